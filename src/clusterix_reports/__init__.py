"""clusterix-reports: audited monitoring indicators and progress reports for Interreg action plans."""

__version__ = "0.1.0"
