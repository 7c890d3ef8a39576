import type { EmailConfig, NotificationContent } from '@vigil/core/notifications';
import { createTransport } from 'nodemailer';
import { alertUrl, headline, type Sender, valueText } from './sender.ts';

const html = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** The mail of one message: subject, a plain-text part and an HTML part listing every alert with its link. */
export function buildEmail(content: NotificationContent, publicUrl: string) {
  const subject = headline(content);
  const lines = content.alerts.map(
    (a) =>
      `- [${a.status === 'resolved' ? 'resolved' : a.severity}] ${a.title}\n  ${a.message}\n  key ${a.key}, value ${valueText(a)}\n  ${alertUrl(publicUrl, a)}`,
  );
  const more = content.truncatedAlerts > 0 ? `\n… and ${content.truncatedAlerts} more.` : '';
  const rows = content.alerts
    .map(
      (a) =>
        `<tr><td>${html(a.status === 'resolved' ? 'resolved' : a.severity)}</td><td><a href="${html(alertUrl(publicUrl, a))}">${html(a.title)}</a><br>${html(a.message)}</td><td><code>${html(a.key)}</code></td><td>${html(valueText(a))}</td></tr>`,
    )
    .join('');
  return {
    subject,
    text: `${subject}\n\n${lines.join('\n\n')}${more}\n\nVigil: ${publicUrl}\n`,
    html: `<h2>${html(subject)}</h2><table cellpadding="6" border="1" style="border-collapse:collapse"><tr><th>Severity</th><th>Alert</th><th>Key</th><th>Value</th></tr>${rows}</table>${more ? `<p>${html(more)}</p>` : ''}<p><a href="${html(publicUrl)}">Vigil</a></p>`,
  };
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/**
 * SMTP through nodemailer, one connection per message (channels send rarely; no pool to go stale). A 5xx
 * reply or a refused login fails at once; 4xx replies and connection errors are retried.
 */
export function createEmailSender(): Sender {
  return {
    async send(request) {
      const config = request.channel.config as EmailConfig;
      const transport = createTransport({
        host: config.host,
        port: config.port ?? (config.secure ? 465 : 587),
        secure: config.secure ?? false,
        requireTLS: config.requireTls ?? false,
        auth: config.auth,
        connectionTimeout: request.timeoutMs,
        greetingTimeout: request.timeoutMs,
        socketTimeout: request.timeoutMs,
      });
      try {
        const mail = buildEmail(request.content, request.publicUrl);
        const info = await transport.sendMail({
          from: config.from,
          to: config.to,
          messageId: `<${request.notificationId}@vigil>`,
          ...mail,
        });
        return {
          ok: true,
          statusCode: null,
          externalId: info.messageId ?? null,
          response: String(info.response ?? ''),
        };
      } catch (err) {
        const e = err as SmtpError;
        const code = e.responseCode ?? null;
        const permanent = (code !== null && code >= 500) || e.code === 'EAUTH' || e.code === 'EENVELOPE';
        return {
          ok: false,
          retriable: !permanent,
          statusCode: code,
          retryAfterMs: null,
          error: `smtp: ${e.response ?? e.message ?? String(err)}`,
        };
      } finally {
        transport.close();
      }
    },
  };
}
