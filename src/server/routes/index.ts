import type { RouteSpec } from '../route.ts';
import { analyticsRoutes } from './analytics-routes.ts';
import { ingestRoutes } from './ingest-routes.ts';
import { recommendRoutes } from './recommend-routes.ts';
import { sdkRoutes } from './sdk-routes.ts';
import { searchRoutes } from './search-routes.ts';
import { systemRoutes } from './system-routes.ts';
import { webRoutes } from './web-routes.ts';

/** Every route of the API, one file per domain. Add a domain's routes here. */
export const allRoutes: RouteSpec[] = [...systemRoutes, ...webRoutes, ...ingestRoutes, ...recommendRoutes, ...sdkRoutes, ...analyticsRoutes, ...searchRoutes];
