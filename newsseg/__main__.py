"""``python -m newsseg``: the same as the ``newsseg`` command."""

from newsseg.cli import main

if __name__ == "__main__":
    main()
