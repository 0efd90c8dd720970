"""Accounts: users with a role and bodies, password hashes, signed tokens, log-in rate limits.

Users live in a SQLite file under the settings' private folder (`Settings.private_path()`),
never in the published graph: nothing here is reachable through `/sparql`, exports or
dereferencing.
"""

from wcokg.accounts.users import ROLES, AccountError, User, UserStore, check_password_policy

__all__ = ["ROLES", "AccountError", "User", "UserStore", "check_password_policy"]
