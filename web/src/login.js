// The login page: user and password, and why a login was refused (wrong
// user or password, or too many attempts). Calls onLogin with the daemon's
// answer ({user, role, permissions, expires_at}).
import { api } from './api.js';
import { t, esc } from './i18n.js';

export function login(root, onLogin) {
  root.innerHTML = `
    <section class="login" data-testid="login">
      <h2>${esc(t('loginTitle'))}</h2>
      <form id="login-form" autocomplete="on">
        <label>${esc(t('userName'))}
          <input name="user" autocomplete="username" required maxlength="64" autofocus></label>
        <label>${esc(t('password'))}
          <input name="password" type="password" autocomplete="current-password" required maxlength="1024"></label>
        <button type="submit">${esc(t('loginBtn'))}</button>
        <output data-testid="login-error" class="error"></output>
      </form>
      <p class="hint">${esc(t('loginHint'))}</p>
    </section>`;
  const form = root.querySelector('#login-form');
  const out = form.querySelector('output');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    out.textContent = '';
    try {
      const me = await api.login(form.user.value.trim(), form.password.value);
      form.password.value = '';
      await onLogin(me);
    } catch (e) {
      form.password.value = '';
      out.textContent = e.status === 401 ? t('loginWrong')
        : e.status === 429 ? t('loginTooMany')
          : t('error', e);
    }
  });
  return { refresh: async () => {} };
}
