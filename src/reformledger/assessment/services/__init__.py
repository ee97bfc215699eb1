"""Every write of the assessment: schemes, computation, versions."""
