"""The DTKS/DTSEN welfare register: reading its extracts and matching pupils.

Pure Python, no database: ``reader`` turns an extract into typed rows,
``engine`` matches pupils against people in memory, ``names`` holds the
Indonesian name normalisation both rely on, ``synthetic`` makes labelled test
districts and ``quality`` measures the matcher on them.
"""
