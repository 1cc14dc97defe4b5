// Front-end testbench for judge_top (iverilog and Verilator --binary --timing): sends the wire bytes of
// +req=FILE (whitespace-separated hex, frames ending in 00) over the UART pin, waiting for each reply frame before
// sending the next request, and prints every byte the board transmits as "B xx". tests/fpga/frontend.test.ts
// compares them with firmware-sim/fpga/board.ts byte for byte.
`timescale 1ns/1ps
`include "model_params.vh"

module tb;
  localparam integer CPB = 4;
  reg clk = 1'b0;
  reg rst = 1'b1;
  always #5 clk = ~clk;
  reg  rx_pin = 1'b1;
  wire tx_pin;
  judge_top #(.CLKS_PER_BIT(CPB), .CLOCK_KHZ(12000)) dut (.clk(clk), .rst(rst), .uart_rx_pin(rx_pin), .uart_tx_pin(tx_pin));

  integer fd, r, b, frames_out, i;
  reg [1023:0] req;
  reg [7:0] rb;

  task send_byte(input [7:0] v);
    begin
      rx_pin = 1'b0; repeat (CPB) @(posedge clk);
      for (i = 0; i < 8; i = i + 1) begin rx_pin = v[i]; repeat (CPB) @(posedge clk); end
      rx_pin = 1'b1; repeat (CPB) @(posedge clk);
    end
  endtask

  // Receiver model on the TX pin: sample mid-bit.
  integer k;
  initial begin
    frames_out = 0;
    forever begin
      @(negedge tx_pin);
      repeat (CPB / 2) @(posedge clk);
      for (k = 0; k < 8; k = k + 1) begin repeat (CPB) @(posedge clk); rb[k] = tx_pin; end
      repeat (CPB) @(posedge clk);
      $display("B %02x", rb);
      if (rb == 8'h00) frames_out = frames_out + 1;
    end
  end

  integer sent_frames;
  initial begin
    if (!$value$plusargs("req=%s", req)) begin $display("E no +req"); $finish; end
    fd = $fopen(req, "r");
    if (fd == 0) begin $display("E cannot open requests"); $finish; end
    sent_frames = 0;
    repeat (4) @(posedge clk);
    rst = 1'b0;
    repeat (4) @(posedge clk);
    r = $fscanf(fd, "%h", b);
    while (r == 1) begin
      send_byte(b[7:0]);
      if (b[7:0] == 8'h00) begin
        sent_frames = sent_frames + 1;
        wait (frames_out == sent_frames);
      end
      r = $fscanf(fd, "%h", b);
    end
    repeat (8 * CPB) @(posedge clk);
    $display("DONE %0d", frames_out);
    $finish;
  end
endmodule
