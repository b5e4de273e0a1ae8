"""policydigest: policy intelligence on China's digital economy, published as a weekly bulletin."""

__version__ = "0.1.0"
