"""Use cases that judge: identity (who is acting), check (changes + actor → result), lint (the contract itself)."""
