"""Training: labelled datasets and group splits (:mod:`~newsseg.train.dataset`), the trainer
with held-out scoring (:mod:`~newsseg.train.trainer`), cross-validation and tuning
(:mod:`~newsseg.train.cv`)."""
