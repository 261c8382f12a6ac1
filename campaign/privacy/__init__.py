"""
Personal data's whole life: what is held (registry, filled by each app's privacy.py), finding a person
(search), handing them what is held (export), forgetting them (erase, scrub), and how long the
campaign keeps what (retention). Pages in views; background work in jobs and tasks.
"""
