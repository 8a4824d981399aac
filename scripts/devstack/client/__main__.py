from devstack.client.generate import main

raise SystemExit(main())
