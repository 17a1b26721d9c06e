/* Statuses, countdowns and "what is current" lists, recomputed on the
   reader's day in Asia/Ho_Chi_Minh. The HTML carries the dates (data-*
   attributes) and the text computed on the day of the build, which is what a
   reader without JavaScript sees. Same rules as sitegen/schedule.py: days are
   counted between calendar days in Asia/Ho_Chi_Minh; a deadline is open while
   now < the instant written in its ISO date-time (00:00 on X for "trước ngày
   X"), and its day is the last day that still counts. */
(function () {
  "use strict";
  var TZ = "Asia/Ho_Chi_Minh";
  var LABELS = {
    upcoming: "Sắp diễn ra",
    ongoing: "Đang diễn ra",
    ended: "Đã kết thúc"
  };

  /* Today in Asia/Ho_Chi_Minh as "YYYY-MM-DD". */
  function today(now) {
    var parts = {};
    new Intl.DateTimeFormat("en-US", {
      timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit"
    }).formatToParts(now).forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + "-" + parts.month + "-" + parts.day;
  }

  /* Days since 1970-01-01 of the calendar day an ISO date (or date-time) names. */
  function dayNumber(iso) {
    var p = iso.slice(0, 10).split("-");
    return Date.UTC(+p[0], +p[1] - 1, +p[2]) / 864e5;
  }

  function statusOf(start, end, day) {
    if (day < start) return "upcoming";
    if (day > end) return "ended";
    return "ongoing";
  }

  /* The last calendar day on which a deadline closing at `closes` still counts. */
  function lastDay(closes) {
    return today(new Date(Date.parse(closes) - 1));
  }

  function countdown(closes, now, day) {
    if (now >= Date.parse(closes)) return "Đã hết hạn nhận hồ sơ";
    var left = dayNumber(lastDay(closes)) - dayNumber(day);
    if (left === 0) return "Đang nhận hồ sơ — hạn cuối hôm nay";
    return "Đang nhận hồ sơ — còn " + left + " ngày";
  }

  function badge(el, start, end, day) {
    var s = statusOf(start, end, day);
    el.textContent = LABELS[s];
    el.className = "sg-status sg-status--" + s;
  }

  function update(root) {
    var now = Date.now();
    var day = today(new Date(now));
    root.querySelectorAll("[data-sg-status]").forEach(function (el) {
      badge(el, el.dataset.start, el.dataset.end, day);
    });
    root.querySelectorAll("[data-sg-countdown]").forEach(function (el) {
      el.textContent = countdown(el.dataset.closes, now, day);
    });
    root.querySelectorAll("[data-sg-open-until]").forEach(function (el) {
      el.hidden = now >= Date.parse(el.dataset.sgOpenUntil);
    });
    root.querySelectorAll("[data-sg-when]").forEach(function (el) {
      el.hidden = statusOf(el.dataset.start, el.dataset.end, day) !== el.dataset.sgWhen;
    });
    root.querySelectorAll("[data-sg-due]").forEach(function (el) {
      var due = el.dataset.sgDue;
      var within = +el.dataset.sgWithin;
      el.hidden = !(now < Date.parse(due) && dayNumber(lastDay(due)) - dayNumber(day) <= within);
    });
    /* A box of calls disappears when every call in it has closed. */
    root.querySelectorAll("[data-sg-calls]").forEach(function (el) {
      el.hidden = !Array.prototype.some.call(el.children, function (c) { return !c.hidden; });
    });
    root.querySelectorAll("[data-sg-empty-of]").forEach(function (el) {
      var list = document.getElementById(el.dataset.sgEmptyOf);
      var visible = list && Array.prototype.some.call(list.children, function (li) {
        return !li.hidden;
      });
      el.hidden = Boolean(visible);
    });
  }

  window.sgStatus = { update: update, badge: badge, today: today, dayNumber: dayNumber };
  update(document);
})();
