// Who is logged in and what their role may do (docs/api.md, "Login and
// roles"). The daemon enforces every permission; the page only hides what
// the role may not do, so that nobody is offered a button that fails.

export const ROLES = ['commander', 'team_leader', 'field_worker', 'community_worker', 'observer'];

let me = null;

// Sets the logged-in user from a login or /api/me answer; null logs out.
// A daemon without login (no /api/me) is given every permission: it is
// reachable on loopback only and enforces nothing either.
export function setMe(m) {
  me = m;
}

export function noLogin() {
  return !!(me && me.noLogin);
}

export function currentUser() {
  return me;
}

export function can(permission) {
  if (!me) return false;
  if (me.noLogin) return true;
  return Array.isArray(me.permissions) && me.permissions.includes(permission);
}
