import { describe, expect, it } from 'vitest';
import { connectClient, followToEnd, startTestServer, upload } from './fixtures';

type Server = Awaited<ReturnType<typeof startTestServer>>;

async function importAndDownload(server: Server, csv: string, template = 'users', fileName?: string) {
  const client = await connectClient(server);
  try {
    const res = await upload(server, { token: client.token, body: csv, template, multipart: !!fileName, fileName });
    expect(res.status).toBe(201);
    const jobId = res.body.jobId as string;
    const got = await followToEnd(client, jobId);
    const response = await fetch(`${server.url}/uploads/${jobId}/errors.csv`, {
      headers: { authorization: `Bearer ${client.token}` },
    });
    return { jobId, response, body: await response.text(), last: got.data.at(-1) };
  } finally {
    await client[Symbol.asyncDispose]();
  }
}

describe('GET /uploads/<jobId>/errors.csv', () => {
  it('lists each rejected row with its number and reason, neutralizing formulas and quoting correctly', async () => {
    await using server = await startTestServer();
    const csv = [
      'email,name,role',
      'ok@example.com,Fine,member',
      '"=HYPERLINK(""http://x"")",Bad Email,member',
      'role@example.com,"=HYPERLINK(""http://x"")",owner',
      'plus@example.com,+1+2,superuser',
      'minus@example.com,-5,guest',
      'at@example.com,@SUM(A1),root',
      'tab@example.com,"\tTabbed",nobody',
      'comma@example.com,"Smith, ""Jr""",x',
      'multi@example.com,"two',
      'lines",y',
      'short@example.com,Too Few',
      'fine2@example.com,  =not a formula after trim? ,admin',
      '',
    ].join('\n');
    const { jobId, response, body, last } = await importAndDownload(server, csv);
    expect(last?.payload).toMatchObject({ status: 'completed', processed: 11, inserted: 2, failed: 9 });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${jobId}-errors.csv"`);
    const roleError = 'must be one of admin, member, viewer';
    expect(body).toBe(
      [
        'email,name,role,row,error',
        `"'=HYPERLINK(""http://x"")",Bad Email,member,2,Row 2: email: Invalid email address`,
        `role@example.com,"'=HYPERLINK(""http://x"")",owner,3,"Row 3: role: ${roleError}"`,
        `plus@example.com,'+1+2,superuser,4,"Row 4: role: ${roleError}"`,
        `minus@example.com,'-5,guest,5,"Row 5: role: ${roleError}"`,
        `at@example.com,'@SUM(A1),root,6,"Row 6: role: ${roleError}"`,
        `tab@example.com,'\tTabbed,nobody,7,"Row 7: role: ${roleError}"`,
        `comma@example.com,"Smith, ""Jr""",x,8,"Row 8: role: ${roleError}"`,
        `multi@example.com,"two\nlines",y,9,"Row 9: role: ${roleError}"`,
        'short@example.com,Too Few,,10,Row 10: role: missing (the row has 2 of 3 columns)',
        '',
      ].join('\r\n'),
    );
  });

  it('is named after the uploaded file, in ASCII and exactly (RFC 6266) when the name is not plain ASCII', async () => {
    await using server = await startTestServer();
    const csv = 'email,name,role\nnot-an-email,A,member\n';
    const plain = await importAndDownload(server, csv, 'users', 'team.CSV');
    expect(plain.response.headers.get('content-disposition')).toBe('attachment; filename="team-errors.csv"');
    const accented = await importAndDownload(server, csv, 'users', 'März "Q1" (final).csv');
    expect(accented.response.headers.get('content-disposition')).toBe(
      `attachment; filename="M_rz _Q1_ (final)-errors.csv"; filename*=UTF-8''M%C3%A4rz%20%22Q1%22%20%28final%29-errors.csv`,
    );
  });

  it('neutralizes formulas in every column and in a row with several errors', async () => {
    await using server = await startTestServer();
    const csv = 'email,name,role\n=1+1,-2,@3\n';
    const { body } = await importAndDownload(server, csv);
    expect(body).toBe(
      [
        'email,name,role,row,error',
        `'=1+1,'-2,'@3,1,"Row 1: email: Invalid email address; Row 1: role: must be one of admin, member, viewer"`,
        '',
      ].join('\r\n'),
    );
  });

  it('puts each cell under its own column when the file had its columns in another order', async () => {
    await using server = await startTestServer();
    const csv = 'role,name,email\nmember,Bad Email,not-an-email\nowner,Bad Role,role@example.com\n';
    const { body } = await importAndDownload(server, csv);
    expect(body).toBe(
      [
        'email,name,role,row,error',
        'not-an-email,Bad Email,member,1,Row 1: email: Invalid email address',
        'role@example.com,Bad Role,owner,2,"Row 2: role: must be one of admin, member, viewer"',
        '',
      ].join('\r\n'),
    );
  });

  it("uses the template's columns for products", async () => {
    await using server = await startTestServer();
    const csv = 'sku,name,price,quantity\nA-1,Lamp,19.99,3\nA-2,=cmd|calc,-1,2\n';
    const { body } = await importAndDownload(server, csv, 'products');
    expect(body).toBe(
      [
        'sku,name,price,quantity,row,error',
        `A-2,'=cmd|calc,'-1,2,2,Row 2: price: must be a decimal number >= 0`,
        '',
      ].join('\r\n'),
    );
  });

  it('is just the header for a job without rejected rows', async () => {
    await using server = await startTestServer();
    const { response, body } = await importAndDownload(server, 'email,name,role\na@example.com,A,admin\n');
    expect(response.status).toBe(200);
    expect(body).toBe('email,name,role,row,error\r\n');
  });

  it('streams thousands of rejected rows in row order', async () => {
    await using server = await startTestServer();
    const lines = ['email,name,role'];
    for (let i = 1; i <= 5_000; i++) lines.push(`bad${i},Name ${i},member`);
    const { body, last } = await importAndDownload(server, `${lines.join('\n')}\n`);
    expect(last?.payload).toMatchObject({ status: 'completed', failed: 5_000 });
    const rows = body.split('\r\n');
    expect(rows).toHaveLength(5_002);
    expect(rows[1]).toBe('bad1,Name 1,member,1,Row 1: email: Invalid email address');
    expect(rows[5_000]).toBe('bad5000,Name 5000,member,5000,Row 5000: email: Invalid email address');
    expect(rows.at(-1)).toBe('');
  });
});
