from cofatui.cli import main

raise SystemExit(main())
