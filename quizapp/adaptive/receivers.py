from django.db.models.signals import post_save
from django.dispatch import receiver

from quizapp.adaptive.models import ItemStat
from quizapp.adaptive.services import new_engine
from quizapp.bank.models import Question


@receiver(post_save, sender=Question)
def start_item_statistics(sender, instance, created, **kwargs):
    """Give a new item its statistics row, so an answer only ever updates it."""
    if created:
        config = new_engine().config
        ItemStat.objects.get_or_create(
            question=instance,
            defaults={
                "b": instance.difficulty,
                "var": config.item_sd**2,
                "a": 1.0,
                "var_a": config.a_sd**2 if config.discrimination else 0.0,
            },
        )
