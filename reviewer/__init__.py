"""reviewer: scoring and ranking applications to 総務省 regional ICT subsidy programs."""

__version__ = "0.1.0"
