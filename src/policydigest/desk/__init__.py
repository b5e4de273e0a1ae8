"""The editorial desk: accounts and roles, the inbox of candidates, the draft's review and publishing,
corrections and the audit log. The CLI (``policydigest users|audit``) and the web desk share it."""
