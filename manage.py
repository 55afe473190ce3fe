#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    # A developer's tool: local development settings (debug on, a throwaway key) unless
    # DJANGO_SETTINGS_MODULE names others; DJANGO_DEBUG=0 turns debug off (a key is then needed).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
