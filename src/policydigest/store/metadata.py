"""Every table of the store in one ``MetaData``, for migrations and schema checks.

Stages keep their tables in their own modules; importing them here registers them on ``Base``.
"""

from __future__ import annotations

from policydigest.store import (  # noqa: F401  (register their tables)
    compose_schema,
    delivery_schema,
    desk_schema,
    intel_schema,
    source_schema,
)
from policydigest.store.schema import Base

metadata = Base.metadata
