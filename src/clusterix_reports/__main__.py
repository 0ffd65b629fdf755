from clusterix_reports.cli import entry

entry()
