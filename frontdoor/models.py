from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower

from frontdoor.roles import Permission


class ReferralSource(models.Model):
    """A DfE Children in Need census referral source code (e.g. ``3A`` GP).

    Loaded by data migration; versioned by the census year it first applies to,
    so statutory returns need no re-keying.
    """

    code = models.CharField(max_length=4, unique=True)
    label = models.CharField(max_length=120)
    first_census_year = models.PositiveSmallIntegerField(
        help_text="First census return year (ending 31 March) the code is valid for."
    )
    last_census_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Last return year the code is valid for; empty if current."
    )
    annex_a_label = models.CharField(
        max_length=60,
        blank=True,
        help_text="Ofsted's prefixed Annex A label, e.g. a) 1A: Individual.",
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"

    def valid_in(self, census_year: int) -> bool:
        return self.first_census_year <= census_year and (
            self.last_census_year is None or census_year <= self.last_census_year
        )


class CensusCode(models.Model):
    """One code of a statutory code list (CIN census, Ofsted Annex A), valid for the
    return years ``first_year`` to ``last_year`` (a return year ends on 31 March).

    Codes change between years (18A retired for 18B/18C, 5D added), so a code is never
    edited to mean something else: the old row gets a ``last_year`` and a new row starts.
    Loaded by data migration; exports read the list for the year they report.
    """

    class CodeList(models.TextChoices):
        ASSESSMENT_FACTOR = "assessment_factor", "Factors identified at the end of assessment"
        PRIMARY_NEED = "primary_need", "Primary need"
        REASON_FOR_CLOSURE = "reason_for_closure", "Reason for closure"
        DISABILITY = "disability", "Disability"
        ETHNICITY = "ethnicity", "Ethnicity"
        SEX = "sex", "Sex"

    code_list = models.CharField(max_length=30, choices=CodeList.choices)
    code = models.CharField(max_length=6)
    label = models.CharField(max_length=200)
    annex_a_label = models.CharField(max_length=60, blank=True)
    first_year = models.PositiveSmallIntegerField()
    last_year = models.PositiveSmallIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["code_list", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["code_list", "code", "first_year"], name="census_code_unique_per_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"


class Agency(models.Model):
    class Type(models.TextChoices):
        CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
        EARLY_HELP = "early_help", "Early help and prevention"
        POLICE = "police", "Police"
        HEALTH = "health", "Health"
        MENTAL_HEALTH = "mental_health", "Mental health"
        EDUCATION = "education", "Education"
        PROBATION = "probation", "Probation"
        HOUSING = "housing", "Housing"
        ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
        VOLUNTARY = "voluntary", "Voluntary and community sector"
        CONTACT_CENTRE = "contact_centre", "Council contact centre"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    type = models.CharField(max_length=40, choices=Type.choices)
    referral_source = models.ForeignKey(
        ReferralSource,
        on_delete=models.PROTECT,
        related_name="agencies",
        help_text="The census code a contact from this agency is recorded under.",
    )
    email_domains = ArrayField(
        models.CharField(max_length=253),
        default=list,
        blank=True,
        help_text="Domains this agency's staff send email from, e.g. police.example.gov.uk.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="agency_name_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(DjangoUserManager):
    def get_by_natural_key(self, username):
        # People type their email in any case; the unique constraint is case-blind too.
        return self.get(email__iexact=username)

    def _create_user_object(self, username, email, password, **extra_fields):
        # Email is the sign-in name; Django's manager still passes ``username``.
        email = self.normalize_email(email or username)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        user = self._create_user_object(None, email, password, **extra_fields)
        user.save(using=self._db)
        return user

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Everyone belongs to an agency."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(
        max_length=30,
        blank=True,
        help_text="A UK number the front door can call them on; they keep it up to date.",
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can use the administration screens.")
    date_joined = models.DateTimeField(auto_now_add=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        ordering = ["full_name"]
        permissions = Permission.choices
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
            # Only superusers (created at the command line) may have no agency.
            models.CheckConstraint(
                condition=models.Q(agency__isnull=False) | models.Q(is_superuser=True),
                name="user_agency_required",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class AuditEvent(models.Model):
    """Who saw or changed which record, when, from where and through which screen.

    Append-only: a database trigger refuses UPDATE and DELETE (migration 0004).
    Holds identifiers only, never names or other personal data.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        SEARCH = "search", "Searched"
        EXPORT = "export", "Exported"

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        help_text="Empty for the system's own jobs.",
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    record_type = models.CharField(max_length=40)
    record_id = models.CharField(max_length=40, blank=True)
    via = models.CharField(max_length=100, help_text="The screen, API operation or job.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(
                fields=["record_type", "record_id", "-occurred_at"], name="audit_record_idx"
            ),
            models.Index(fields=["actor", "-occurred_at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.action} {self.record_type} {self.record_id}"
