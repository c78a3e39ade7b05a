from django.db.models.signals import post_save
from django.dispatch import receiver

from quizapp.groups.history import record_mastery_day
from quizapp.practice.models import Answer


@receiver(post_save, sender=Answer)
def keep_the_day_of_mastery(sender, instance, created, **kwargs):
    """Runs inside the answer's transaction: the history never misses an answer."""
    if created:
        record_mastery_day(learner_id=instance.learner_id, when=instance.answered_at)
