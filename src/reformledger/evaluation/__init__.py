"""Evaluation (改革评估, DOMAIN.md mechanism 8): rating rounds — public (群众评), open (大家评),
expert panels scoring on a rubric, look-back reviews (回头看) of past years' key reforms."""
