"""Whole sessions: the transcript format, the session rules, and broken copies of valid sessions.

A transcript is an ordered stream of client and server frames (:mod:`.transcript`); the live
families record them, the session corpus holds authored and captured ones, and the session rules
judge them.
"""
