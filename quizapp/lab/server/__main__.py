"""``python -m quizapp.lab.server [options]``: the lab mail server without Django."""

import argparse

from quizapp.lab.server.config import add_arguments, config_from_options
from quizapp.lab.server.runner import run


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m quizapp.lab.server", description=__doc__)
    add_arguments(parser)
    run(config_from_options(vars(parser.parse_args())))


if __name__ == "__main__":
    main()
