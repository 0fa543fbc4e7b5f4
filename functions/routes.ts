import type { DomainApi } from '../shared/http/route';
import { platformApi } from './platform/api';
import { authApi } from './auth/api';
import { catalogApi } from './catalog/api';
import { pointsApi } from './points/api';
import { accountsApi } from './accounts/api';
import { problemsApi } from './problems/api';
import { casesApi } from './cases/api';
import { calendarApi } from './calendar/api';
import { reportsApi } from './reports/api';
import { workplanApi } from './workplan/api';
import { regionsApi } from './regions/api';
import { todoApi } from './todo/api';

/**
 * Every domain API, in one list: read by the OpenAPI document, the CDK stack (one Lambda per
 * domain, a route per spec) and the local server. Domain code is not imported here, only specs.
 */
export const DOMAIN_APIS: DomainApi[] = [platformApi, authApi, catalogApi, problemsApi, casesApi, calendarApi, accountsApi, pointsApi, reportsApi, workplanApi, regionsApi, todoApi];
