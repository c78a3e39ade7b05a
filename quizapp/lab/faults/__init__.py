"""Exercise 4's broken set-ups: faulty endpoints the embedded lab serves, one per trainee.

- catalogue: the faults, the ticket each one makes, the per-trainee details;
- endpoints: the file through which the site tells the lab server what to serve;
- server: the Twisted side, the lab's own protocol classes with one thing broken;
- evidence: the site's own investigation, the transcript lines that prove a diagnosis;
- models, services, checks, views: the trainee's ticket and the graded answers.
"""
