import sys

from chatsim.cli import main

sys.exit(main())
