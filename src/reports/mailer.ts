/** Email delivery over SMTP (FLOWLENS_SMTP_URL, e.g. smtp://user:pass@mail.example.com:587). */
import nodemailer from 'nodemailer';

export interface Attachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface Mail {
  to: string[];
  subject: string;
  text: string;
  attachments: Attachment[];
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, attachments: mail.attachments });
    },
  };
}

/** Without FLOWLENS_SMTP_URL every delivery fails with this reason (recorded in the run). */
export const NO_SMTP: Mailer = {
  async send() {
    throw new Error('no SMTP server is configured (set FLOWLENS_SMTP_URL)');
  },
};
