"""The exit codes of the ``planning`` command.

``planning check`` exits with :data:`RULE_FAILED` when a rule fails
(:attr:`planning.report.core.Report.exit_code`); a diff is not a failure.
"""

#: The command did what it was asked (a check found no failing rule).
SUCCESS = 0
#: ``planning check``: a rule failed.
RULE_FAILED = 1
#: Bad input, a bad option or missing geodata: one line on stderr, no traceback.
USER_ERROR = 2
#: Interrupted with Ctrl-C (128 + SIGINT).
INTERRUPTED = 130
