// arrow test: build a record batch with arrow::*Builder, compute on it (sum, add, filter,
// sort), write it as an Arrow IPC stream and as an IPC file into memory and read both back,
// refuse a truncated stream and garbage, parse CSV (on the CPU thread pool) and JSON lines
// into tables. Every value is checked.
#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/csv/api.h>
#include <arrow/io/memory.h>
#include <arrow/ipc/api.h>
#include <arrow/json/api.h>
#include <arrow/util/thread_pool.h>

#include <cstdio>
#include <cstring>
#include <string>

#ifndef EXPECT_ARROW_VERSION
#define EXPECT_ARROW_VERSION "21.0.0"
#endif

#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) return arrow::Status::Invalid("check failed: " #cond);      \
  } while (0)

namespace cp = arrow::compute;

static arrow::Result<std::shared_ptr<arrow::RecordBatch>> MakeBatch() {
  arrow::Int64Builder ids;
  ARROW_RETURN_NOT_OK(ids.AppendValues({1, 2, 3, 4, 5}));
  ARROW_RETURN_NOT_OK(ids.AppendNull());
  arrow::StringBuilder names;
  ARROW_RETURN_NOT_OK(names.AppendValues({"zlib", "xz", "arrow", "geos", "icu", "wasix"}));
  arrow::DoubleBuilder scores;
  ARROW_RETURN_NOT_OK(scores.AppendValues({0.5, 2.25, 9.75, 4.0, 1.5, 7.0}));
  ARROW_ASSIGN_OR_RAISE(auto id_array, ids.Finish());
  ARROW_ASSIGN_OR_RAISE(auto name_array, names.Finish());
  ARROW_ASSIGN_OR_RAISE(auto score_array, scores.Finish());
  auto schema = arrow::schema({arrow::field("id", arrow::int64()),
                               arrow::field("name", arrow::utf8()),
                               arrow::field("score", arrow::float64())});
  auto batch = arrow::RecordBatch::Make(schema, 6, {id_array, name_array, score_array});
  ARROW_RETURN_NOT_OK(batch->ValidateFull());
  return batch;
}

static arrow::Status Compute(const arrow::RecordBatch& batch) {
  auto ids = batch.GetColumnByName("id");
  auto scores = batch.GetColumnByName("score");
  ARROW_ASSIGN_OR_RAISE(arrow::Datum sum, cp::Sum(ids));
  CHECK(sum.scalar_as<arrow::Int64Scalar>().value == 15);  // the null is skipped
  ARROW_ASSIGN_OR_RAISE(arrow::Datum plus, cp::CallFunction(
                                               "add", std::vector<arrow::Datum>{
                                                          ids, arrow::MakeScalar(int64_t{10})}));
  auto plus_ids = std::static_pointer_cast<arrow::Int64Array>(plus.make_array());
  CHECK(plus_ids->Value(0) == 11 && plus_ids->Value(4) == 15 && plus_ids->IsNull(5));
  ARROW_ASSIGN_OR_RAISE(arrow::Datum big, cp::CallFunction(
                                              "greater", std::vector<arrow::Datum>{
                                                             scores, arrow::MakeScalar(3.0)}));
  ARROW_ASSIGN_OR_RAISE(arrow::Datum kept, cp::Filter(batch.GetColumnByName("name"), big));
  auto names = std::static_pointer_cast<arrow::StringArray>(kept.make_array());
  CHECK(names->length() == 3 && names->GetString(0) == "arrow" &&
        names->GetString(1) == "geos" && names->GetString(2) == "wasix");
  ARROW_ASSIGN_OR_RAISE(auto order, cp::SortIndices(*scores, cp::SortOrder::Descending));
  auto idx = std::static_pointer_cast<arrow::UInt64Array>(order);
  CHECK(idx->Value(0) == 2 && idx->Value(1) == 5 && idx->Value(5) == 0);
  std::printf("compute: sum(id) = %lld, add/greater/filter/sort_indices checked\n",
              static_cast<long long>(sum.scalar_as<arrow::Int64Scalar>().value));
  return arrow::Status::OK();
}

static arrow::Status Ipc(const std::shared_ptr<arrow::RecordBatch>& batch) {
  // the stream format, two batches
  ARROW_ASSIGN_OR_RAISE(auto sink, arrow::io::BufferOutputStream::Create());
  ARROW_ASSIGN_OR_RAISE(auto writer, arrow::ipc::MakeStreamWriter(sink, batch->schema()));
  ARROW_RETURN_NOT_OK(writer->WriteRecordBatch(*batch));
  ARROW_RETURN_NOT_OK(writer->WriteRecordBatch(*batch->Slice(1, 3)));
  ARROW_RETURN_NOT_OK(writer->Close());
  ARROW_ASSIGN_OR_RAISE(auto buffer, sink->Finish());
  ARROW_ASSIGN_OR_RAISE(auto reader, arrow::ipc::RecordBatchStreamReader::Open(
                                         std::make_shared<arrow::io::BufferReader>(buffer)));
  ARROW_ASSIGN_OR_RAISE(auto table, reader->ToTable());
  CHECK(table->num_rows() == 9 && table->schema()->Equals(*batch->schema()));
  ARROW_ASSIGN_OR_RAISE(auto first, table->Slice(0, 6)->CombineChunksToBatch());
  CHECK(first->Equals(*batch));
  ARROW_ASSIGN_OR_RAISE(auto second, table->Slice(6, 3)->CombineChunksToBatch());
  CHECK(second->Equals(*batch->Slice(1, 3)));
  std::printf("IPC stream: %lld bytes, %lld rows read back equal\n",
              static_cast<long long>(buffer->size()), static_cast<long long>(table->num_rows()));

  // the file format (random access)
  ARROW_ASSIGN_OR_RAISE(auto file_sink, arrow::io::BufferOutputStream::Create());
  ARROW_ASSIGN_OR_RAISE(auto file_writer, arrow::ipc::MakeFileWriter(file_sink, batch->schema()));
  ARROW_RETURN_NOT_OK(file_writer->WriteRecordBatch(*batch));
  ARROW_RETURN_NOT_OK(file_writer->Close());
  ARROW_ASSIGN_OR_RAISE(auto file_buffer, file_sink->Finish());
  ARROW_ASSIGN_OR_RAISE(auto file_reader, arrow::ipc::RecordBatchFileReader::Open(
                                              std::make_shared<arrow::io::BufferReader>(file_buffer)));
  CHECK(file_reader->num_record_batches() == 1);
  ARROW_ASSIGN_OR_RAISE(auto back, file_reader->ReadRecordBatch(0));
  CHECK(back->Equals(*batch));
  std::printf("IPC file: %lld bytes, batch read back equal\n",
              static_cast<long long>(file_buffer->size()));

  // a truncated stream (the second batch's body cut short) and bytes that are no IPC
  // stream at all are refused with an error status, not a crash
  auto cut = std::make_shared<arrow::io::BufferReader>(
      arrow::SliceBuffer(buffer, 0, buffer->size() - 20));
  ARROW_ASSIGN_OR_RAISE(auto cut_reader, arrow::ipc::RecordBatchStreamReader::Open(cut));
  auto cut_table = cut_reader->ToTable();
  CHECK(!cut_table.ok());
  auto garbage = std::make_shared<arrow::io::BufferReader>(
      arrow::Buffer::FromString("this is not an Arrow IPC stream, just some text"));
  auto garbage_reader = arrow::ipc::RecordBatchStreamReader::Open(garbage);
  CHECK(!garbage_reader.ok());
  std::printf("truncated stream refused (%s)\n", cut_table.status().message().c_str());
  std::printf("garbage refused (%s)\n", garbage_reader.status().message().c_str());
  return arrow::Status::OK();
}

static arrow::Status Csv() {
  std::string text = "city,count,share\n";
  for (int i = 0; i < 2000; ++i)
    text += "c" + std::to_string(i) + "," + std::to_string(i) + "," + std::to_string(i % 8) +
            ".5\n";
  auto input = std::make_shared<arrow::io::BufferReader>(arrow::Buffer::FromString(text));
  auto read = arrow::csv::ReadOptions::Defaults();
  read.use_threads = true;  // parsing and conversion on the CPU thread pool
  read.block_size = 4096;   // many blocks, so many tasks
  ARROW_ASSIGN_OR_RAISE(auto reader, arrow::csv::TableReader::Make(
                                         arrow::io::default_io_context(), input, read,
                                         arrow::csv::ParseOptions::Defaults(),
                                         arrow::csv::ConvertOptions::Defaults()));
  ARROW_ASSIGN_OR_RAISE(auto table, reader->Read());
  ARROW_RETURN_NOT_OK(table->ValidateFull());
  CHECK(table->num_rows() == 2000 && table->num_columns() == 3);
  CHECK(table->column(1)->type()->id() == arrow::Type::INT64);
  CHECK(table->column(2)->type()->id() == arrow::Type::DOUBLE);
  ARROW_ASSIGN_OR_RAISE(arrow::Datum sum, cp::Sum(table->column(1)));
  CHECK(sum.scalar_as<arrow::Int64Scalar>().value == 1999 * 2000 / 2);
  std::printf("CSV: %lld rows in %d chunks on %d threads, sum(count) = %lld\n",
              static_cast<long long>(table->num_rows()), table->column(1)->num_chunks(),
              arrow::GetCpuThreadPoolCapacity(),
              static_cast<long long>(sum.scalar_as<arrow::Int64Scalar>().value));
  return arrow::Status::OK();
}

static arrow::Status Json() {
  const char* lines =
      "{\"lib\": \"zstd\", \"version\": [1, 5, 7], \"static\": true}\n"
      "{\"lib\": \"arrow\", \"version\": [21, 0, 0], \"static\": false}\n"
      "{\"lib\": \"xz\", \"version\": null, \"static\": true}\n";
  auto input = std::make_shared<arrow::io::BufferReader>(arrow::Buffer::FromString(lines));
  ARROW_ASSIGN_OR_RAISE(auto reader, arrow::json::TableReader::Make(
                                         arrow::default_memory_pool(), input,
                                         arrow::json::ReadOptions::Defaults(),
                                         arrow::json::ParseOptions::Defaults()));
  ARROW_ASSIGN_OR_RAISE(auto table, reader->Read());
  ARROW_RETURN_NOT_OK(table->ValidateFull());
  CHECK(table->num_rows() == 3 && table->num_columns() == 3);
  auto version = table->GetColumnByName("version");
  CHECK(version != nullptr && version->type()->id() == arrow::Type::LIST);
  CHECK(version->null_count() == 1);
  std::printf("JSON: %lld rows, schema %s\n", static_cast<long long>(table->num_rows()),
              table->schema()->ToString().c_str());
  return arrow::Status::OK();
}

static arrow::Status Run() {
  std::printf("Arrow %s (%s)\n", arrow::GetBuildInfo().version_string.c_str(),
              arrow::GetBuildInfo().git_description.c_str());
  CHECK(arrow::GetBuildInfo().version_string == EXPECT_ARROW_VERSION);
#if ARROW_VERSION_MAJOR >= 21
  // since 21 the kernels live in libarrow_compute and register themselves here
  ARROW_RETURN_NOT_OK(cp::Initialize());
#endif
  ARROW_ASSIGN_OR_RAISE(auto batch, MakeBatch());
  std::printf("batch: %s", batch->ToString().substr(0, 60).c_str());
  std::printf("...\n");
  ARROW_RETURN_NOT_OK(Compute(*batch));
  ARROW_RETURN_NOT_OK(Ipc(batch));
  ARROW_RETURN_NOT_OK(Csv());
  return Json();
}

int main() {
  arrow::Status st = Run();
  if (!st.ok()) {
    std::printf("FAILED: %s\n", st.ToString().c_str());
    return 1;
  }
  std::printf("arrow OK\n");
  return 0;
}
