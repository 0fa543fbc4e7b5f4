import type { FormInstance } from 'antd';
import { ApiError } from '../api/client';

/**
 * Puts the API's `details[].field` issues next to the antd form fields they name
 * ('body.applicant.idNumber' → ['applicant', 'idNumber']); returns the issues that name no
 * field on this form, for a message above it.
 */
export function showFieldErrors(form: FormInstance, err: unknown, known?: (path: (string | number)[]) => boolean): string[] {
  if (!(err instanceof ApiError)) return [];
  const rest: string[] = [];
  const fields: { name: (string | number)[]; errors: string[] }[] = [];
  for (const issue of err.fieldIssues) {
    const path = issue.field
      .replace(/^(body|query|path|header)\./, '')
      .split('.')
      .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    const exists = known ? known(path) : form.getFieldInstance(path as never) !== undefined || hasValue(form, path);
    if (exists) fields.push({ name: path, errors: [issue.message] });
    else rest.push(issue.message);
  }
  if (fields.length) form.setFields(fields as never);
  return rest;
}

function hasValue(form: FormInstance, path: (string | number)[]): boolean {
  try {
    return form.getFieldValue(path as never) !== undefined;
  } catch {
    return false;
  }
}
