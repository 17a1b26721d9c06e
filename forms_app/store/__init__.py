"""Storage: the database engine and sessions, the tables, migrations and rate limits.

Feature packages' operations read and write through this package; views never
import it (a test checks the imports).
"""
