"""`python -m engine.loadtest`: see engine.loadtest.run."""

from engine.loadtest.run import main

raise SystemExit(main())
