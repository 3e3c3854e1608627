"""Test doubles of outside services, named as doubles: small servers that check what
cofatui sends them as strictly as the real ones, and can be scripted to fail. Each one
runs in a test (a random port on 127.0.0.1) or by hand (``python -m tests.doubles.NAME``).
"""
