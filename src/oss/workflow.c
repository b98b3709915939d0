/* workflow: the life of a request (OSS-5) as one table. A request is
 * submitted by its applicant, taken by an officer (in progress), possibly
 * sent back for fixing (returned, always with a note saying what to fix),
 * sent again (resubmitted), and ends completed (optionally with a file from
 * the officer) or cancelled — cancelled from any open state, by the
 * applicant (withdrawing) or by an officer (who must say why).
 *
 * Who may do what:
 *
 *   action     actor      from                                   to
 *   edit       applicant  submitted, returned                    submitted / resubmitted
 *   cancel     applicant  submitted, in_progress, returned,      cancelled
 *                         resubmitted
 *   start      officer    submitted, resubmitted                 in_progress
 *   return     officer    submitted, in_progress, resubmitted    returned (message required)
 *   complete   officer    submitted, in_progress, resubmitted    completed
 *   cancel     officer    any open status                        cancelled (message required)
 *
 * Edit is allowed only while submitted or returned (OSS-6): once an officer
 * has the request (in progress) its data no longer moves under him, and a
 * resubmitted request waits for the officer as a submitted one would, but
 * the applicant has already said "this is my fix". An officer may return
 * or complete without first marking the request in progress, because the
 * seed's processing page sets the status directly; he may not complete a
 * returned request, which waits for the applicant. Completed and
 * cancelled are final: nothing leaves them. Every other combination is
 * refused, and the unit tests list every one of them. */
#include <string.h>

#include "oss/oss.h"

static const char *const status_names[OSS_STATUS_COUNT] = {
    "submitted", "in_progress", "returned", "resubmitted", "completed", "cancelled",
};

static const char *const status_labels[OSS_STATUS_COUNT] = {
    "ส่งคำร้องไปยังเจ้าหน้าที่",    "เจ้าหน้าที่กำลังดำเนินการ", "เจ้าหน้าที่ส่งให้แก้ไขข้อมูล",
    "ส่งข้อมูลแก้ไขไปยังเจ้าหน้าที่", "ดำเนินการเรียบร้อย",	    "ยกเลิกคำร้อง",
};

static const char *const action_names[OSS_ACTION_COUNT] = {"edit", "cancel", "start", "return", "complete"};

#define B(s) (1u << (s))
#define OPEN (B(OSS_SUBMITTED) | B(OSS_IN_PROGRESS) | B(OSS_RETURNED) | B(OSS_RESUBMITTED))

/* allowed[actor][action]: the statuses the action may start from. */
static const unsigned allowed[OSS_ACTOR_COUNT][OSS_ACTION_COUNT] = {
    [OSS_APPLICANT] =
	{
	    [OSS_EDIT] = B(OSS_SUBMITTED) | B(OSS_RETURNED),
	    [OSS_CANCEL] = OPEN,
	},
    [OSS_OFFICER] =
	{
	    [OSS_CANCEL] = OPEN,
	    [OSS_START] = B(OSS_SUBMITTED) | B(OSS_RESUBMITTED),
	    [OSS_RETURN] = B(OSS_SUBMITTED) | B(OSS_IN_PROGRESS) | B(OSS_RESUBMITTED),
	    [OSS_COMPLETE] = B(OSS_SUBMITTED) | B(OSS_IN_PROGRESS) | B(OSS_RESUBMITTED),
	},
};

const char *oss_status_name(enum oss_status s)
{
	return (unsigned)s < OSS_STATUS_COUNT ? status_names[s] : "";
}

const char *oss_status_label(enum oss_status s)
{
	return (unsigned)s < OSS_STATUS_COUNT ? status_labels[s] : "";
}

int oss_status_parse(const char *name)
{
	for (int i = 0; name && i < OSS_STATUS_COUNT; i++)
		if (!strcmp(name, status_names[i]))
			return i;
	return -1;
}

const char *oss_action_name(enum oss_action a)
{
	return (unsigned)a < OSS_ACTION_COUNT ? action_names[a] : "";
}

bool oss_status_open(enum oss_status s)
{
	return (unsigned)s < OSS_STATUS_COUNT && (OPEN & B(s));
}

bool oss_can(enum oss_status from, enum oss_actor who, enum oss_action act)
{
	if ((unsigned)from >= OSS_STATUS_COUNT || (unsigned)who >= OSS_ACTOR_COUNT || (unsigned)act >= OSS_ACTION_COUNT)
		return false;
	return allowed[who][act] & B(from);
}

bool oss_action_needs_message(enum oss_actor who, enum oss_action act)
{
	return who == OSS_OFFICER && (act == OSS_RETURN || act == OSS_CANCEL);
}

static enum oss_status target(enum oss_status from, enum oss_action act)
{
	switch (act) {
	case OSS_EDIT: return from == OSS_RETURNED ? OSS_RESUBMITTED : from;
	case OSS_CANCEL: return OSS_CANCELLED;
	case OSS_START: return OSS_IN_PROGRESS;
	case OSS_RETURN: return OSS_RETURNED;
	case OSS_COMPLETE: return OSS_COMPLETED;
	}
	return from;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Why act cannot start from status from, in words an applicant or officer
 * understands. */
static int refuse(enum oss_status from, enum oss_actor who, enum oss_action act, struct err *e)
{
	static const char *const why[OSS_STATUS_COUNT] = {
	    [OSS_SUBMITTED] = "คำร้องนี้เพิ่งส่งถึงเจ้าหน้าที่",	  [OSS_IN_PROGRESS] = "เจ้าหน้าที่กำลังดำเนินการคำร้องนี้อยู่",
	    [OSS_RETURNED] = "คำร้องนี้รอผู้ยื่นคำร้องแก้ไขข้อมูล",  [OSS_RESUBMITTED] = "ผู้ยื่นคำร้องส่งข้อมูลแก้ไขแล้ว รอเจ้าหน้าที่ตรวจสอบ",
	    [OSS_COMPLETED] = "คำร้องนี้ดำเนินการเรียบร้อยแล้ว", [OSS_CANCELLED] = "คำร้องนี้ถูกยกเลิกแล้ว",
	};
	static const char *const what[OSS_ACTION_COUNT] = {
	    [OSS_EDIT] = "แก้ไขคำร้อง",
	    [OSS_CANCEL] = "ยกเลิกคำร้อง",
	    [OSS_START] = "รับดำเนินการคำร้อง",
	    [OSS_RETURN] = "ส่งคำร้องให้แก้ไขข้อมูล",
	    [OSS_COMPLETE] = "บันทึกว่าดำเนินการเรียบร้อย",
	};
	(void)who;
	return err_set(e, 409, "%sไม่ได้ เพราะ%s", what[act], why[from]);
}

int oss_transition(enum oss_status from, enum oss_actor who, enum oss_action act, const char *message,
		   enum oss_status *to, struct err *e)
{
	/* Callers pass statuses read back from the database's CHECKed column
	 * and actions from their own code: anything else is a bug here. */
	if ((unsigned)from >= OSS_STATUS_COUNT || (unsigned)act >= OSS_ACTION_COUNT || (unsigned)who >= OSS_ACTOR_COUNT)
		return err_set(e, 500, "oss_transition: bad status %d, actor %d or action %d", (int)from, (int)who,
			       (int)act);
	if (!allowed[who][act]) {
		if (who == OSS_APPLICANT)
			return err_set(e, 403, "การดำเนินการนี้ทำได้เฉพาะเจ้าหน้าที่ผู้รับผิดชอบบริการ");
		return err_set(e, 403, "การแก้ไขข้อมูลคำร้องทำได้เฉพาะผู้ยื่นคำร้อง");
	}
	if (!(allowed[who][act] & B(from)))
		return refuse(from, who, act, e);
	if (!message)
		message = "";
	if (oss_action_needs_message(who, act) && !*message) {
		if (act == OSS_RETURN)
			return err_field(e, "message", "กรุณาระบุสิ่งที่ผู้ยื่นคำร้องต้องแก้ไข เช่น ข้อมูลไม่ชัดเจน");
		return err_field(e, "message", "กรุณาระบุเหตุผลที่ยกเลิกคำร้อง");
	}
	if (utf8_chars(message) > OSS_MESSAGE_MAX)
		return err_field(e, "message", "ข้อความยาวได้ไม่เกิน %d ตัวอักษร", OSS_MESSAGE_MAX);
	*to = target(from, act);
	return 0;
}

int oss_action_for_target(enum oss_status t, enum oss_action *out)
{
	switch (t) {
	case OSS_IN_PROGRESS: *out = OSS_START; return 0;
	case OSS_RETURNED: *out = OSS_RETURN; return 0;
	case OSS_COMPLETED: *out = OSS_COMPLETE; return 0;
	case OSS_CANCELLED: *out = OSS_CANCEL; return 0;
	default: return -1;
	}
}

int oss_message_check(enum oss_status s, const char *message, struct err *e)
{
	if ((unsigned)s >= OSS_STATUS_COUNT)
		return err_set(e, 500, "oss_message_check: bad status %d", (int)s);
	if (s == OSS_CANCELLED)
		return err_set(e, 409, "คำร้องนี้ถูกยกเลิกแล้ว จึงส่งข้อความถึงผู้ยื่นไม่ได้");
	if (!message)
		message = "";
	const char *p = message;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (!*p)
		return err_field(e, "letter", "กรุณาพิมพ์ข้อความถึงผู้ยื่นคำร้อง");
	if (utf8_chars(message) > OSS_MESSAGE_MAX)
		return err_field(e, "letter", "ข้อความยาวได้ไม่เกิน %d ตัวอักษร", OSS_MESSAGE_MAX);
	return 0;
}
