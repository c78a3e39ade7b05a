from django.db.models.signals import post_save
from django.dispatch import receiver

from quizapp.adaptive.models import ItemStat
from quizapp.adaptive.services import new_engine
from quizapp.bank.models import Question


@receiver(post_save, sender=Question)
def start_item_statistics(sender, instance, created, **kwargs):
    """Give a new item its statistics row, so an answer only ever updates it."""
    if created:
        ItemStat.objects.get_or_create(
            question=instance,
            defaults={"b": instance.difficulty, "var": new_engine().config.item_sd ** 2},
        )
