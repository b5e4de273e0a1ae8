"""Every table of the store in one ``MetaData``, for migrations and schema checks.

Stages keep their tables in their own modules; importing them here registers them on ``Base``.
"""

from __future__ import annotations

from policydigest.store import compose_schema, delivery_schema, source_schema  # noqa: F401  (register their tables)
from policydigest.store.schema import Base

metadata = Base.metadata
