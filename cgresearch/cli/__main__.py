"""``python -m cgresearch.cli``: the same as the ``cgresearch`` command."""

import sys

from cgresearch.cli import main

sys.exit(main())
