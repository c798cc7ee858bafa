"""`python -m stalking_course.kernelfork <socket> <status fd> <client timeout> <modules...>`: the zygote."""

import sys

from .server import serve

sys.exit(serve(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]))
