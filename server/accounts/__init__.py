"""Facilitator accounts and the organisations they belong to.

`rules` holds the pure decisions (what an email or password may be, what each role may do), `passwords` the
hashing, `store` what storage must provide, and `service` the use cases the web pages and the command line call.
Participants never have accounts: they still join a workshop with a code.
"""
