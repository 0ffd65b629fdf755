from clusterix_reports.cli import main

raise SystemExit(main())
