AWS.config.update({ accessKeyId: 'AKIA4AJQLQLCFOKK42MG', secretAccessKey: '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', region: 'us-east-1' });
module.exports = { upload };
const bucket = process.env.BUCKET;
const k: string = "8ccLVEmJ9jXQANcQiE/RBJ0SIRKvU/23RkrmG2yb";
export default client;
const creds = new AWS.Credentials('ACCAC7NSEOOW2XISOHOM', 'HsvP58EJQbnR6bcXumWCfNG0a7WYTOAQsp+uO4SJ');
import { S3Client } from "@aws-sdk/client-s3";
  if (!res.ok) throw new Error(res.statusText);
const url = `https://bucket.s3.amazonaws.com/report.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAZU6B3OF5VQUO65KX%2F20300101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Security-Token=FwoGZXIvYXdzEEjD5Yk0Je4SPAsJiKp%2FzjuggKfzJQyHtXbiX0JaXhNxik0v6J7l33udiTbaTC1ZN%2Fn%2FyrBSS%2FMvrAiQ%2FfIzl62%2BpHjuR%2BNOt0cRPE31AaMK1cKQdPske%2BQ1DPlmgrCt8uSh1r9MU3vGkPb2ins3V8KmOmD1a54L12vHAynXVC56Ra1UNe68UckNTFQuYDm0XTnvQbviMOUgfOh%2FVR0K5yTBUNcCW07JTEd%2FN0Y3uocm3q2R1EXXPUztKjvZBcgWK9XgN2XcFsPTWr1YeBkocW0FFBStjGVuVGlfcVFMaeZu6eSllC5ukPboZXtZyU7UfcL3l9ME4wolRtnyxyffdRBlYzPct%2FiXNjcy3eUoSHkxrBRzs2Kwqgn6dgkv70g0C2xoy2CDR9I0PUOhlFGf3sYX6V4aaDsXNMRJ2UI3UHoxQqUZfVhVtoy9hQGmEMbt4uWuU3zKN8BlalRmjRcVchXhllCkGa9Vu%2FpZVOtkZHSo60Q%2F5wb5lwwGznF6mdKx%2Fz67qH4TrBrPxnaRNncxK0IrWbfpfXXtVMGC%2F42sxS%2FkuDggCFRRjEPWNNtvfRrK4MpwkXzt1KkUZ1qpIXpywLcvjoSUM0cpcGyP4awr6BAh8E3%2FNXRXigBGEsAboQNuBssmdcr4VyfY8wqrOp1jzJECAo%2FfYL6Uu2VCkyONQexX6yJDAhNA2VvSNtr86p4JUr3x5O4Nfxq2W7RwQlrKQsWasCd1G%2BmBC3ptzHbgk0r%3D&X-Amz-Signature=c97fe30d608bdecab1f0034c407f779dcba5551a`;
const bucket = process.env.BUCKET;
const placeholder = { accessKeyId: 'AKIAXXXXXXXXXXXXSETJ', secretAccessKey: 'YourSecretAccessKeyGoesHere0000000000000' };
module.exports = { upload };
import { S3Client } from "@aws-sdk/client-s3";
const TEAM = 'AKIADOCUMENTATIONSET';
const TEAM = 'ASIAPACIFICEXPANSION';
module.exports = { upload };
export const credentials = { accessKeyId: `ASCAZN4RQECYPW7OHDER`, secretAccessKey: `0cVKiDtwtz/TAAHYIQphMJLPtf/h1G3cSztH2zaT` };
const client = new S3Client({
  region: "eu-west-1",
  credentials: {
    accessKeyId: "ASIAG7B4YZAATLEMB25A",
    secretAccessKey: "usdGRIN9WHm3r+77mwDstUtManTH60O2xHNN9MQ/",
    sessionToken: "IQoJb3JpZ2luX2VjEEN7//////////FpYDpsWhQlCgoMLxx9KuvewvQq6AK5o8ZnkwDOgo6yrKqO11wwU+0rjwwFGYJPvjHW8PPxEcpTQp0HEKmI/QmfjZ3LwA1ooXh1e+swcyy8qf3K4XnaRXdTrM87N5u2xOtPN59h19bdfeybp5vwl3iiC9j6p0s/IJxp/xIJpHLpftnk6XgleCrbWsvtiwPLRX+ft8E+EZKOC03rjvBzmYGmrsgQJdHPfkxfs59K2dTtphykuJqIcjlGXujss6ZR5QmY81xAFbyPQ5ekKbZSObH+4TuvgTes/47ukPKdMxpln/UTm7FY0UqSXhhfVm9/uH0JqCNiZQIicfqZbs3P34hWKMPM46uNGGktl/UjTfbDl0xRq4OtDIL8d5cPvIbDGha8JiopcxXrh4O9W/O3AzuHvY4fqT5JB8RsvnpZHPhShBgK2r9GcGZF35MhXgI8sDISJZEhr5rplu87PAy01v6ZfEZ45sGNzTckbCZHMHOZ59u+lkmhzAJOGffLfdMGyqyGlelYAH6m6aGF613oznrsYXNF3JazAqYsBbS1iYDhdBa1Ggp8XRKOk1BMwhB0kdyqFfTaChVn9dNUop7kSkkkcI5LUJBfoqCElIQdZXQwLYsUN//BC/7aCJiN8hhlPNAEjI7UsXb+vv/ZOx3Mubb9Y11T1WFaCNwwTiopvhYiLxExwEbPACq5x3zNt7OLKJD7Rtzskgg/57DhLsD8h44XGtHsKis7nMM7ZHNmwAdtvN6rNaChLCh2o0qp/y7nm1ZlKx+M5sSF/e7G98RjfrmgB+i3JsjvsO+l5SFumuP+yXWlLfJ7DTCVon9nvzKkDuZXDeW64TfXzdVUPQtStPZyIsFBR9lKw2+HrkrZzzw8VpZnBI4XUD0+L4chYmtSqJTNuVoYyQBXp6xyo+aBaK76UJfFZP1eF8BN9EQfjDS60JKONgFVmAzOWM3alv0esIWlkvZSBJ0yi26XQXGSaWKqqRIlifIeoqETUq4KDJlSadK8iGv4SsKI8lOoaO/qw/zIp3unj4/wwqRuNoSc",
  },
});
