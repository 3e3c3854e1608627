"""cofatui: a terminal back-office for trade-credit insurance and receivables."""

__version__ = "0.1.0"
