"""``python -m policydigest`` runs the command line."""

from policydigest.cli import run

run()
