// Shared access behaviour of every resource: each built-in action is accessible (and visible) exactly when the
// policy says so, for the resource and, when there is one, the record; the queries are scoped by ScopedResource.
import { buildFeature, type ActionContext, type BaseRecord, type CurrentAdmin, type FeatureType } from 'adminjs';
import { can, type Action, type RecordFacts, type ResourceName } from '../../src/access/policy.js';
import { actorOf } from '../current-admin.js';

function date(value: unknown): Date | null {
  return value ? new Date(String(value)) : null;
}

function number(value: unknown): number | null {
  return value === undefined || value === null || value === '' ? null : Number(value);
}

/** What the policy needs to know of an AdminJS record. */
export function factsOf(record: BaseRecord): RecordFacts {
  const p = record.params;
  return {
    id: number(p.id) ?? undefined,
    ownerId: number(p.ownerId),
    isSuperuser: p.isSuperuser === true || p.isSuperuser === 'true',
    disabledAt: date(p.disabledAt),
    disabledById: number(p.disabledById),
    blockedAt: date(p.blockedAt),
    bouncedAt: date(p.bouncedAt),
  };
}

/** An isAccessible/isVisible check for one policy action. */
export function allowed(resource: ResourceName, action: Action) {
  return ({ currentAdmin, record }: { currentAdmin?: CurrentAdmin; record?: BaseRecord }): boolean =>
    can(actorOf(currentAdmin), action, resource, record ? factsOf(record) : undefined);
}

function both(resource: ResourceName, action: Action) {
  const check = allowed(resource, action);
  return { isAccessible: check, isVisible: check };
}

export function accessFeature(resource: ResourceName): FeatureType {
  return buildFeature({
    actions: {
      list: both(resource, 'list'),
      search: both(resource, 'list'),
      show: both(resource, 'show'),
      new: both(resource, 'new'),
      edit: both(resource, 'edit'),
      delete: both(resource, 'delete'),
      bulkDelete: both(resource, 'delete'),
    },
  });
}

export type { ActionContext };
