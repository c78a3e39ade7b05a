"""The embedded lab mail server: SMTP, POP3 and IMAP over one mailbox store, on Twisted.

For the web site: ``accounts.create_mailbox`` / ``accounts.mailbox_name_for`` give a trainee a
mailbox and password, ``tls.certificate_fingerprint`` returns what their mail client should
show, ``store.MailStore`` reads what arrived. ``runner.run`` (or ``manage.py labserver``,
or ``python -m quizapp.lab.server``) starts the server.
"""
