"""`python -m bot` is the `storybot` command."""

import sys

from bot.cli import main

sys.exit(main())
