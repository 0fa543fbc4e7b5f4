import { defineApi, route } from '../../shared/http/route';
import { CalendarYearView, LoadYearBody, YearPath } from './schemas';

export const calendarApi = defineApi('calendar', {
  loadCalendarYear: route({
    method: 'POST',
    path: '/calendar/years',
    auth: 'staff',
    summary: '加载一年的法定节假日和调休工作日（省级业务管理员）；该年的临时到期日随即重算',
    body: LoadYearBody,
    response: CalendarYearView,
    status: 201,
    creates: true,
  }),
  getCalendarYear: route({
    method: 'GET',
    path: '/public/calendar/{year}',
    auth: 'public',
    summary: '一年的工作日历：来源（已加载 / 内置 / 临时按周一至周五）、节假日、调休工作日',
    params: YearPath,
    response: CalendarYearView,
  }),
},
  // Working-day calendar: no personal data.
  { table: 'readWrite' },
);
