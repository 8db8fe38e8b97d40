import { PosthasteError } from '../../core/errors.js';
import {
  createTemplate,
  deleteTemplate,
  getTemplate,
  listTemplates,
  newTemplateVersion,
  previewTemplate,
  type TemplateDeps,
} from '../../core/manage-templates.js';
import { readVersion } from '../../core/template-request.js';
import type { ApiDeps, RouteHandler } from '../deps.js';
import { json, readJsonBody } from '../http.js';
import { listResponse, readPage } from '../paging.js';
import { present, renderedTemplateSchema, templateSchema, templateSummarySchema } from '../schemas.js';

/** Template routes need the templates table; a deployment without it answers 404 on these paths. */
function templatesOf(deps: ApiDeps): TemplateDeps {
  if (!deps.templates) throw new PosthasteError('not_found', 'templates are not configured in this deployment');
  return deps.templates;
}

/** POST /v1/templates: 201 with the alias and version 1. */
export const createTemplateRoute: RouteHandler = async (req, _params, deps) => json(201, await createTemplate(templatesOf(deps), readJsonBody(req)));

/** GET /v1/templates: one page of templates in alias order, each as its latest version. */
export const listTemplatesRoute: RouteHandler = async (req, _params, deps) => {
  const page = await listTemplates(templatesOf(deps), readPage(req, ['listing', 'alias', 'entry'], { listing: 'template' }));
  return listResponse({ ...page, items: page.items.map((item) => present(templateSummarySchema, item)) });
};

/** GET /v1/templates/{alias}: the latest version, or `?version=`. */
export const getTemplateRoute: RouteHandler = async (req, [alias], deps) =>
  json(200, present(templateSchema, await getTemplate(templatesOf(deps), alias!, readVersion(req.query.version))));

/** PUT /v1/templates/{alias}: a new version; the answer names its number. */
export const putTemplateRoute: RouteHandler = async (req, [alias], deps) => json(200, await newTemplateVersion(templatesOf(deps), alias!, readJsonBody(req)));

/** DELETE /v1/templates/{alias}: the template and every version. */
export const deleteTemplateRoute: RouteHandler = async (_req, [alias], deps) => {
  await deleteTemplate(templatesOf(deps), alias!);
  return { statusCode: 204, headers: {}, body: '' };
};

/** POST /v1/templates/{alias}/render: a preview of the latest version (or `?version=`); nothing is sent. */
export const renderTemplateRoute: RouteHandler = async (req, [alias], deps) =>
  json(200, present(renderedTemplateSchema, await previewTemplate(templatesOf(deps), alias!, readVersion(req.query.version), readJsonBody(req))));
