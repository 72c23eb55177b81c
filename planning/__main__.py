"""``python -m planning`` runs the command line."""

from planning.cli import main

raise SystemExit(main())
