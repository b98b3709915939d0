/* module: the area's data calendar as the platform sees it
 * (core/module.h). It owns no deadline: every module that has data
 * deadlines fills the deadlines hook of its own struct module (the census
 * rounds, KPI due dates, the admin roster, school buildings …) and this
 * module gathers them per area and per school into pages, iCalendar feeds
 * and e-mail reminders (the hourly job `cal-remind`, or `khet remind` by
 * hand). It defines no role: the area's roles see the area's calendar,
 * the school's roles their school's. Migrations 0800–0819. */
#include <stdio.h>

#include "cal/cal_internal.h"
#include "core/clock.h"
#include "core/module.h"

static int remind_cmd(const struct cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: khet remind\n");
		return 2;
	}
	struct err e = ERR_INIT;
	int n = cal_remind_run(cli->db, clock_now(NULL), &e);
	if (n < 0) {
		fprintf(stderr, "khet remind: %s\n", e.msg);
		return 1;
	}
	printf("%d reminder e-mails queued\n", n);
	return 0;
}

static const struct route_table *const routes[] = {&cal_routes, NULL};

static const struct job_def jobs[] = {
    {"cal-remind", 3600, cal_remind_job},
    {NULL},
};

static const struct menu_def menu[] = {
    {"/cal", "ปฏิทินข้อมูล", "@school @area super_admin", false, 25},
    {NULL},
};

static const struct command_def commands[] = {
    {"remind", "send the data calendar's due e-mail reminders now (the hourly job's pass)", remind_cmd},
    {NULL},
};

static const struct mig_range migrations[] = {{800, 819}, {0, 0}};

static const struct audit_action_def audit_actions[] = {
    {"cal.feed.new", "สร้างลิงก์ปฏิทินข้อมูลใหม่"},
    {NULL, NULL},
};

const struct module cal_module = {
    .name = "cal",
    .title = "ปฏิทินการจัดทำข้อมูล",
    .routes = routes,
    .jobs = jobs,
    .menu = menu,
    .commands = commands,
    .migrations = migrations,
    .audit_actions = audit_actions,
    .api = &cal_api,
};
